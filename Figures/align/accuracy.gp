# Rendered by: gnuplot accuracy.gp (run from this directory)
set terminal pngcairo size 800,480 noenhanced font 'Sans,11'
set output 'accuracy.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,1 title 'Final validation accuracy vs width (quick scale)'
set logscale x 2
set key noautotitle
set xlabel 'width n'
set ylabel 'final validation accuracy (%)'
set yrange [0:100]
set key outside right top font ',9'
set offsets graph 0.05, graph 0.05, 0, 0
set grid
set title 'Fashion-MNIST (substitute for KMNIST), kmnist3, lr 2' font ',10'
plot 'accuracy_data.csv' index 0 using 1:2 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'accuracy_data.csv' index 0 using 1:3 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'Align-ada', \
     'accuracy_data.csv' index 0 using 1:4 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'accuracy_data.csv' index 0 using 1:5 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FA', \
     'accuracy_data.csv' index 0 using 1:6 with linespoints lw 2 pt 7 lc rgb '#2ca02c' title 'DFA', \
     'accuracy_data.csv' index 0 using 1:7 with linespoints lw 2 pt 7 lc rgb '#7f7f7f' title 'last-layer'
unset multiplot
