# Rendered by: gnuplot width.gp (run from this directory)
set terminal pngcairo size 1100,500 noenhanced font 'Sans,11'
set output 'width.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set title "Alignment of BP's weight change with the reference ΔW_ref vs width\nFashion-MNIST (substitute for KMNIST), kmnist3 (--kmnist-align-net 3layer), quick scale, lr 5, 10 epochs, 10×100 probes" font ',10'
set logscale x 2
set xlabel 'width n'
set ylabel 'alignment score'
set yrange [0:1.05]
set key noautotitle
set key outside right top font ',9'
set offsets graph 0.05, graph 0.05, 0, 0
set grid
plot 'width.csv' using 1:3 with linespoints lw 2 pt 7 lc rgb '#142878' title 'layer 1', \
     'width.csv' using 1:4 with linespoints lw 1 dt 2 pt 6 lc rgb '#142878' title 'layer 1, shuffled control', \
     'width.csv' using 1:5 with linespoints lw 2 pt 7 lc rgb '#3273b4' title 'layer 2', \
     'width.csv' using 1:6 with linespoints lw 1 dt 2 pt 6 lc rgb '#3273b4' title 'layer 2, shuffled control', \
     'width.csv' using 1:7 with linespoints lw 2 pt 7 lc rgb '#50bef0' title 'layer 3', \
     'width.csv' using 1:8 with linespoints lw 1 dt 2 pt 6 lc rgb '#50bef0' title 'layer 3, shuffled control'
