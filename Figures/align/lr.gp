# Rendered by: gnuplot lr.gp (run from this directory)
set terminal pngcairo size 1280,480 noenhanced font 'Sans,11'
set output 'lr.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,2 title 'Final validation accuracy vs learning rate (quick scale)'
set logscale x 2
set key noautotitle
set xlabel 'learning rate'
set ylabel 'final validation accuracy (%)'
set yrange [0:100]
set key outside right top font ',9'
set offsets graph 0.05, graph 0.05, 0, 0
set grid
set title 'Fashion-MNIST (substitute for KMNIST), kmnist3, n = 8' font ',10'
plot 'lr_data.csv' index 0 using 1:2 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'lr_data.csv' index 0 using 1:3 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'Align-ada', \
     'lr_data.csv' index 0 using 1:4 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'lr_data.csv' index 0 using 1:5 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'lr_data.csv' index 0 using 1:6 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'lr_data.csv' index 0 using 1:7 with linespoints lw 2 pt 7 lc rgb '#7f7f7f' title 'last-layer'
set title 'Fashion-MNIST (substitute for KMNIST), kmnist3, n = 32' font ',10'
plot 'lr_data.csv' index 1 using 1:2 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'lr_data.csv' index 1 using 1:3 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'Align-ada', \
     'lr_data.csv' index 1 using 1:4 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'lr_data.csv' index 1 using 1:5 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'lr_data.csv' index 1 using 1:6 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'lr_data.csv' index 1 using 1:7 with linespoints lw 2 pt 7 lc rgb '#7f7f7f' title 'last-layer'
unset multiplot
